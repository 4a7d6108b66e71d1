from hotjar_cli.cli import main

main()
