# A resumption that follows no withdrawal.
DELETE DATA { GRAPH graph:article { event:PLW-XKX-resumption-1 kr:follows event:PLW-XKX-withdrawal-1 } }
