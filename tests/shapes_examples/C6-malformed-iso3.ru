# An ISO code not in capitals.
DELETE { GRAPH ?g { state:FRA kr:iso3 ?c } }
INSERT { GRAPH ?g { state:FRA kr:iso3 "Fra" } }
WHERE { GRAPH ?g { state:FRA kr:iso3 ?c } }
