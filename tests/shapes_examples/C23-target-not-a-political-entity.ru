# A recognition whose target is an organisation.
DELETE DATA { GRAPH graph:article { event:FRA-XKX-recognition-1 kr:target state:XKX } } ;
INSERT DATA { GRAPH graph:article { event:FRA-XKX-recognition-1 kr:target kro:un } }
