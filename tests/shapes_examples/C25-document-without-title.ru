# A source document without a title.
DELETE { GRAPH ?g { doc:example-news-2018 dcterms:title ?t } }
WHERE { GRAPH ?g { doc:example-news-2018 dcterms:title ?t } }
