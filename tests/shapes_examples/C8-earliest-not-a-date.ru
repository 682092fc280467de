# A bound given as a year instead of an xsd:date (on an undated claim, so C9 has nothing to compare).
INSERT { GRAPH ?g { ?c kr:earliest "2008"^^xsd:gYear } }
WHERE { GRAPH ?g { ?c kr:about event:PLW-XKX-recognition-1 ; kr:claimant agent:wikipedia } }
