# Togo's state node given its IOC code as ISO code.
DELETE DATA { GRAPH graph:reference { state:TGO kr:iso3 "TGO" } } ;
INSERT DATA { GRAPH graph:reference { state:TGO kr:iso3 "TOG" } }
