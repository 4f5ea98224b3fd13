using Scratchgen.Fuzz;

// scratchgen-fuzz TARGET            run under AFL (afl-fuzz ... -- dotnet Scratchgen.Fuzz.dll TARGET), reading
//                                   each input from stdin through SharpFuzz's out-of-process runner
// scratchgen-fuzz TARGET FILE...    run the target once per file and print accepted/refused (triage)
// scratchgen-fuzz seed DIR        write the seed inputs (SeedCorpus) into DIR/TARGET/
// Targets: FuzzTargets.Names. fuzz.sh instruments Scratchgen.dll and drives AFL; see README.md here.
if (args is ["seed", var seedDir])
{
    SeedCorpus.Write(seedDir);
    return 0;
}
if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: Scratchgen.Fuzz TARGET [FILE...], TARGET one of {string.Join(", ", FuzzTargets.Names)}");
    return 2;
}
string target = args[0];
if (args.Length > 1)
{
    foreach (var file in args[1..])
        Console.WriteLine($"{file}: {(FuzzTargets.Run(target, File.ReadAllBytes(file)) ? "accepted" : "refused")}");
    return 0;
}
SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    FuzzTargets.Run(target, buffer.ToArray());
});
return 0;
