from hotjar_cli.cli.main import main

main()
