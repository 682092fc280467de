# Kosovo's count (120) differs from the 4 recognising states in the rows (a Warning only).
DELETE { GRAPH ?g { ?c kr:claimedValue ?v } }
INSERT { GRAPH ?g { ?c kr:claimedValue 120 } }
WHERE { GRAPH ?g { ?c a kr:CountClaim ; kr:claimedValue ?v } }
