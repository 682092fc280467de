# "von 112 bis 115" given a point value as well: a value the copy does not print.
INSERT { GRAPH ?g { claim:2f4a6b8c0d1e3f5a kr:claimedValue 113 } }
WHERE { GRAPH ?g { claim:2f4a6b8c0d1e3f5a kr:minInclusive ?b } }
