# A QID without its Wikidata entity IRI.
DELETE { GRAPH ?g { state:FRA kr:wikidataEntity ?e } }
WHERE { GRAPH ?g { state:FRA kr:wikidataEntity ?e } }
