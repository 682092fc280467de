# A negative count.
DELETE { GRAPH ?g { ?c kr:claimedValue ?v } }
INSERT { GRAPH ?g { ?c kr:claimedValue -1 } }
WHERE { GRAPH ?g { ?c a kr:CountClaim ; kr:claimedValue ?v } }
