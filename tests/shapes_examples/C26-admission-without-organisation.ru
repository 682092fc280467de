# Kosovo's admission to FIFA that does not say to which organisation.
DELETE { GRAPH ?g { event:XKX-fifa-admission kr:organisation ?o } }
WHERE { GRAPH ?g { event:XKX-fifa-admission kr:organisation ?o } }
