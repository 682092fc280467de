# A position not typed kr:Claim (so no claim shape would check it).
DELETE { GRAPH ?g { ?p a kr:Claim } }
WHERE { GRAPH ?g { ?p a kr:Position , kr:Claim } }
