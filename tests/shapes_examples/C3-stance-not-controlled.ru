# A stance outside (kr:Affirms kr:Denies).
DELETE { GRAPH ?g { ?c kr:stance ?s } }
INSERT { GRAPH ?g { ?c kr:stance kr:Maybe } }
WHERE { GRAPH ?g { ?c kr:about event:FRA-XKX-recognition-1 ; kr:stance ?s } }
