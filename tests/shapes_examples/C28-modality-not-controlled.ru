# A modality outside the closed list.
DELETE { GRAPH ?g { ?c kr:modality ?m } }
INSERT { GRAPH ?g { ?c kr:modality kr:Hinted } }
WHERE { GRAPH ?g { ?c kr:about event:FRA-XKX-recognition-1 ; kr:modality ?m } }
