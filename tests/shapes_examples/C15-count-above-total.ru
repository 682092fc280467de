# 200 recognising states out of 193.
DELETE { GRAPH ?g { ?c kr:claimedValue ?v } }
INSERT { GRAPH ?g { ?c kr:claimedValue 200 } }
WHERE { GRAPH ?g { ?c a kr:CountClaim ; kr:claimedValue ?v } }
