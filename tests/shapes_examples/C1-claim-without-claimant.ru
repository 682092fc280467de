# A claim with no claimant.
DELETE { GRAPH ?g { ?c kr:claimant ?who } }
WHERE { GRAPH ?g { ?c kr:about event:FRA-XKX-recognition-1 ; kr:claimant ?who } }
