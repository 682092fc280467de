# A QID with a leading zero.
DELETE { GRAPH ?g { state:FRA kr:wikidata ?q } }
INSERT { GRAPH ?g { state:FRA kr:wikidata "Q0142" } }
WHERE { GRAPH ?g { state:FRA kr:wikidata ?q } }
