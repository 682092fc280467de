# kr:wikidataEntity names another item than kr:wikidata.
DELETE { GRAPH ?g { state:FRA kr:wikidataEntity ?e } }
INSERT { GRAPH ?g { state:FRA kr:wikidataEntity wd:Q143 } }
WHERE { GRAPH ?g { state:FRA kr:wikidataEntity ?e } }
