import AccessLabCLI

AccessLabCommand.main()
