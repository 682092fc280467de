# A claim with no evidence location.
DELETE { GRAPH ?g { ?c kr:evidence ?loc } }
WHERE { GRAPH ?g { ?c kr:about event:FRA-XKX-recognition-1 ; kr:evidence ?loc } }
