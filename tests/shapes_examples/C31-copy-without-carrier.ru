# A stored copy that does not say which host carried it.
DELETE { GRAPH ?g { doc:wikipedia-de-copy kr:carrier ?c } }
WHERE { GRAPH ?g { doc:wikipedia-de-copy kr:carrier ?c } }
