# A recognition by nobody.
DELETE DATA { GRAPH graph:article { event:FRA-XKX-recognition-1 kr:actor state:FRA } }
