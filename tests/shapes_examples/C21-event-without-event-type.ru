# An event not typed kr:Event.
INSERT DATA { GRAPH graph:article {
    event:XKX-declaration-of-independence-1 a kr:DeclarationOfIndependence ; kr:actor state:XKX .
} }
