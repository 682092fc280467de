# A source document that can be found neither by title nor by URL.
DELETE { GRAPH ?g { doc:example-news-2018 dcterms:title ?t } }
WHERE { GRAPH ?g { doc:example-news-2018 dcterms:title ?t } }
