#!/usr/bin/env python3
# Kept here (the work-around is described in the docstring below) so that this bench project builds from
# the repository alone. Run by the AfterBuild target of Scratchgen.Bench.TorchSharp.csproj on the build output's copy of
# runtimes/linux-x64/native/libLibTorchSharp.so, never on the NuGet cache.
"""Work-around for TorchSharp 0.107.0 on Debian 12: libLibTorchSharp.so declares a need for
GLIBCXX_3.4.32 (GCC 13's libstdc++), which Debian 12's libstdc++ (GCC 12, up to GLIBCXX_3.4.30) lacks,
so loading fails with:  version `GLIBCXX_3.4.32' not found (required by .../libLibTorchSharp.so).
The only symbol bound to that version is _ZSt21ios_base_library_initv, which GCC 13's <iostream>
references via a bare `.globl` (no relocation, never called). Marking the version requirement
VER_FLG_WEAK (ELF gABI) makes ld.so accept the library; stream init is still done by libtorch's own
ios_base::Init objects. Patches COPIES in the build output only, never the NuGet cache.
Usage: python3 patch_glibcxx.py FILE.so [FILE.so ...]   (idempotent)"""
import struct, sys

SHT_GNU_VERNEED = 0x6ffffffe
VER_FLG_WEAK = 0x2
WANT = {b"GLIBCXX_3.4.32", b"GLIBCXX_3.4.33"}

def patch(path):
    data = bytearray(open(path, "rb").read())
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "need ELF64 LE"
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    shdrs = [struct.unpack_from("<IIQQQQIIQQ", data, e_shoff + i * e_shentsize) for i in range(e_shnum)]
    changed = []
    for sh in shdrs:
        if sh[1] != SHT_GNU_VERNEED:
            continue
        strtab_off = shdrs[sh[6]][4]
        name = lambda o: bytes(data[strtab_off + o:data.index(b"\0", strtab_off + o)])
        off = sh[4]
        while True:
            vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, off)
            aoff = off + vn_aux
            for _ in range(vn_cnt):
                vna_hash, vna_flags, vna_other, vna_name, vna_next = struct.unpack_from("<IHHII", data, aoff)
                if name(vna_name) in WANT and not vna_flags & VER_FLG_WEAK:
                    struct.pack_into("<H", data, aoff + 4, vna_flags | VER_FLG_WEAK)
                    changed.append(name(vna_name).decode())
                aoff += vna_next
            if not vn_next:
                break
            off += vn_next
    if changed:
        open(path, "wb").write(data)
    print(f"{path}: marked weak: {changed or 'nothing to do'}")

for p in sys.argv[1:]:
    patch(p)
