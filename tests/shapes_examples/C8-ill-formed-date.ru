# A stated date that does not exist (30 February), on a claim that has no bounds to compare.
INSERT { GRAPH ?g { ?c kr:statedDate "2008-02-30"^^xsd:date } }
WHERE { GRAPH ?g { ?c kr:about event:PLW-XKX-recognition-1 ; kr:claimant agent:wikipedia } }
