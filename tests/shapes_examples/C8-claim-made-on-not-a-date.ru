# A claim date given as free text.
DELETE { GRAPH ?g { ?c kr:claimMadeOn ?d } }
INSERT { GRAPH ?g { ?c kr:claimMadeOn "summer 2019" } }
WHERE { GRAPH ?g { ?c kr:about event:TGO-XKX-withdrawal-1 ; kr:claimMadeOn ?d } }
