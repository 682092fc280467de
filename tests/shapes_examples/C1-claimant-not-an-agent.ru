# A claim attributed to a document instead of an agent.
DELETE { GRAPH ?g { ?c kr:claimant ?who } }
INSERT { GRAPH ?g { ?c kr:claimant doc:example-news-2018 } }
WHERE { GRAPH ?g { ?c kr:about event:FRA-XKX-recognition-1 ; kr:claimant ?who } }
