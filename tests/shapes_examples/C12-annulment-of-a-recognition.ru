# An annulment that annuls a recognition rather than a withdrawal.
DELETE DATA { GRAPH graph:article { event:GNB-XKX-annulment-1 kr:annuls event:GNB-XKX-withdrawal-1 } } ;
INSERT DATA { GRAPH graph:article { event:GNB-XKX-annulment-1 kr:annuls event:GNB-XKX-recognition-1 } }
