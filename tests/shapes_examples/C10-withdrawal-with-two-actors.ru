# A withdrawal by two states.
INSERT DATA { GRAPH graph:article { event:TGO-XKX-withdrawal-1 kr:actor state:FRA } }
