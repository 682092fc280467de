from kosovo_kg.cli import main

main()
