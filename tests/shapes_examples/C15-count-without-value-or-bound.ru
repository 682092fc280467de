# "mehr als 100" with its bound dropped: a count claim with neither a value nor a bound.
DELETE { GRAPH ?g { claim:3a5b7c9d1e2f4a6b kr:minExclusive ?b } }
WHERE { GRAPH ?g { claim:3a5b7c9d1e2f4a6b kr:minExclusive ?b } }
