# Palau's resumption made to follow Togo's withdrawal.
DELETE DATA { GRAPH graph:article { event:PLW-XKX-resumption-1 kr:follows event:PLW-XKX-withdrawal-1 } } ;
INSERT DATA { GRAPH graph:article { event:PLW-XKX-resumption-1 kr:follows event:TGO-XKX-withdrawal-1 } }
