# A date mention without its bounds.
DELETE { GRAPH ?g { ?m kr:earliest ?e ; kr:latest ?l } }
WHERE { GRAPH ?g { ?m a kr:DateMention ; kr:earliest ?e ; kr:latest ?l } }
