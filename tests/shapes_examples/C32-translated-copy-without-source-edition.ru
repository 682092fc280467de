# A machine-translated copy that does not name the edition it was translated from.
DELETE { GRAPH ?g { doc:wikipedia-de-translated kr:translatedFrom ?e } }
WHERE { GRAPH ?g { doc:wikipedia-de-translated kr:translatedFrom ?e } }
