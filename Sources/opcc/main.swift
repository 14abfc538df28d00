import OPCCCommandLine

OPCCCommand.main()
