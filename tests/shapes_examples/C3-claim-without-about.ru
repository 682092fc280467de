# An event claim that is about nothing.
DELETE { GRAPH ?g { ?c kr:about event:FRA-XKX-diplomatic-relations-1 } }
WHERE { GRAPH ?g { ?c kr:about event:FRA-XKX-diplomatic-relations-1 } }
