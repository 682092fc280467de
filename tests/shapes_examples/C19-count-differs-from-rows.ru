# Kosovo's unscoped count (120) differs from the 4 recognising states in the rows of the same
# document (a Warning only). Scoped counts are not checked by C19, so the scope is removed, and
# with it the total (a total without a scope is C30's).
DELETE { GRAPH ?g { ?c kr:claimedValue ?v ; kr:countScope ?scope ; kr:outOf ?total } }
INSERT { GRAPH ?g { ?c kr:claimedValue 120 } }
WHERE { GRAPH ?g { ?c a kr:CountClaim ; kr:claimant agent:kosovo-mfa ; kr:claimedValue ?v ;
                      kr:countScope ?scope ; kr:outOf ?total } }
