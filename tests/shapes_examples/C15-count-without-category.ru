# A count that does not say what it counts.
DELETE { GRAPH ?g { ?c kr:countCategory ?k } }
WHERE { GRAPH ?g { ?c a kr:CountClaim ; kr:countCategory ?k } }
