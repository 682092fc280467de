# "von 116 bis 115": the lower bound above the upper one.
DELETE { GRAPH ?g { claim:2f4a6b8c0d1e3f5a kr:minInclusive ?b } }
INSERT { GRAPH ?g { claim:2f4a6b8c0d1e3f5a kr:minInclusive 116 } }
WHERE { GRAPH ?g { claim:2f4a6b8c0d1e3f5a kr:minInclusive ?b } }
