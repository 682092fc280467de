# "more than 100" and "at least 100" on one claim: which lower bound was printed?
INSERT { GRAPH ?g { claim:3a5b7c9d1e2f4a6b kr:minInclusive 100 } }
WHERE { GRAPH ?g { claim:3a5b7c9d1e2f4a6b kr:minExclusive ?b } }
