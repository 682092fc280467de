# A row identified as a document.
DELETE { GRAPH ?g { ?i kr:identifiedAs ?x } }
INSERT { GRAPH ?g { ?i kr:identifiedAs doc:example-news-2018 } }
WHERE { GRAPH ?g { ?i kr:identifiedAs ?x } }
