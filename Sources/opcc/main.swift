import OPCCCommandLine

// The commands are asynchronous (`AsyncParsableCommand`): they await the services.
await OPCCCommand.start()
