# An event claim about a state instead of an event.
DELETE { GRAPH ?g { ?c kr:about event:FRA-XKX-diplomatic-relations-1 } }
INSERT { GRAPH ?g { ?c kr:about state:FRA } }
WHERE { GRAPH ?g { ?c kr:about event:FRA-XKX-diplomatic-relations-1 } }
