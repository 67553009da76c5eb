from cofee_hooks.cli.main import main

main()
