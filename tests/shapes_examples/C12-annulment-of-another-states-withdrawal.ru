# Guinea-Bissau's annulment made to annul Palau's (later) withdrawal.
DELETE DATA { GRAPH graph:article { event:GNB-XKX-annulment-1 kr:annuls event:GNB-XKX-withdrawal-1 } } ;
INSERT DATA { GRAPH graph:article { event:GNB-XKX-annulment-1 kr:annuls event:PLW-XKX-withdrawal-1 } }
