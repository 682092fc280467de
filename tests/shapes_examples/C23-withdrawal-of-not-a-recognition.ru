# A withdrawal that withdraws diplomatic relations, not a recognition.
DELETE DATA { GRAPH graph:article { event:TGO-XKX-withdrawal-1 kr:withdraws event:TGO-XKX-recognition-1 } } ;
INSERT DATA { GRAPH graph:article { event:TGO-XKX-withdrawal-1 kr:withdraws event:FRA-XKX-diplomatic-relations-1 } }
