"""Functions by the name a person writes: C names, mangled C++ names, or demangled C++ names with or
without their parameter list (`tflite::MicroInterpreter::Invoke`). Demangling is libstdc++'s own
(`cxxfilt`, the same output as binutils' c++filt).

A name may stand for several functions: overloads, clones (`[clone .constprop.0]`) and same-named
functions of anonymous namespaces; a region then counts every call of any of them. A name that matches
no function gets a hint: DWARF inline records when the ELF has them, close names otherwise. A function
that also has inlined copies gets a note, since the region counts only its out-of-line calls.
"""

from dataclasses import dataclass, field
import difflib
import functools
import io

from mcubench.core.errors import RegionError


@functools.lru_cache(maxsize=None)
def demangle(name: str) -> str:
    """The demangled C++ name, or the name itself when it is not a mangled one."""
    if not name.startswith("_Z"):
        return name
    import cxxfilt

    try:
        return cxxfilt.demangle(name)
    except cxxfilt.InvalidName:
        return name


def base_name(demangled: str) -> str:
    """`ns::f(int) const [clone .isra.0]` -> `ns::f`: the name without parameters, qualifiers and clones."""
    text = demangled.split(" [clone ")[0]
    depth = 0
    for i in range(len(text) - 1, -1, -1):  # the parameter list is the last balanced (...) group
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                return text[:i] if i else text
    return text


@dataclass
class Match:
    """The functions one requested name stands for."""

    name: str  # as requested
    addresses: list  # entry addresses (Thumb bit clear)
    symbols: list  # the symbol names they have, demangled
    notes: list = field(default_factory=list)  # inlined copies the region does not count, several matches


class FunctionIndex:
    """Function symbols of one image, searchable by any of their names."""

    def __init__(self, image):
        self.image = image
        self._elf_bytes = image.data or None
        symbols = image.symbols
        self.functions = list(zip(symbols.starts, symbols.names))
        self._inlined = None

    def find(self, name: str) -> Match:
        """Every function the name stands for; RegionError with a hint when there is none."""
        for key in (lambda s: s, demangle, lambda s: base_name(demangle(s))):
            found = [(address, symbol) for address, symbol in self.functions if key(symbol) == name]
            if found:
                break
        else:
            if name in self.image.symbols.by_name:  # a label without a function type (assembly)
                return Match(name, [self.image.symbols.by_name[name] & ~1], [name])
            raise RegionError(f"{self.image.name}: no function named {name!r}{self._hint(name)}")
        addresses = sorted({address for address, _ in found})
        match = Match(name, addresses, sorted({demangle(symbol) for _, symbol in found}))
        if len(addresses) > 1:
            match.notes.append(f"region {name!r} counts the calls of {len(addresses)} functions ("
                               + "; ".join(match.symbols) + " at " + ", ".join(f"{a:#010x}" for a in addresses) + ")")
        inlined = self.inlined_sites().get(base_name(demangle(found[0][1])))
        if inlined:
            match.notes.append(f"{name!r} is also inlined at {len(inlined)} call site(s) (in "
                               f"{', '.join(sorted(set(inlined))[:3])}); the region counts only calls of "
                               "its out-of-line copy")
        return match

    def _hint(self, name):
        inlined = self.inlined_sites().get(base_name(name))
        if inlined:
            return (f": no out-of-line copy; DWARF shows it inlined at {len(inlined)} call site(s) (in "
                    f"{', '.join(sorted(set(inlined))[:3])}); mark the caller, or build it with noinline")
        close = difflib.get_close_matches(name, sorted({base_name(demangle(s)) for _, s in self.functions}), n=3)
        hint = "; no out-of-line copy: it may have been inlined (an ELF with DWARF, -g, tells for sure)"
        if self._has_dwarf():
            hint = "; the ELF's DWARF has no function of that name either"
        if close:
            hint += f"; similar: {', '.join(close)}"
        return hint

    def _has_dwarf(self):
        return self._elf_file is not None and self._elf_file.has_dwarf_info()

    @functools.cached_property
    def _elf_file(self):
        """The ELF, parsed once per index (a cached method would keep every index alive)."""
        if self._elf_bytes is None:
            return None
        from elftools.elf.elffile import ELFFile

        return ELFFile(io.BytesIO(self._elf_bytes))

    def inlined_sites(self) -> dict:
        """{function base name: [the function each inlined copy sits in]} from DWARF (empty without)."""
        if self._inlined is None:
            self._inlined = _inlined_sites(self._elf_file) if self._has_dwarf() else {}
        return self._inlined


def _die_name(die):
    """A DIE's function name: its linkage name demangled, else its DW_AT_name (following the
    abstract origin or specification it refers to)."""
    for _ in range(4):
        for attr in ("DW_AT_linkage_name", "DW_AT_MIPS_linkage_name"):
            if attr in die.attributes:
                return base_name(demangle(die.attributes[attr].value.decode(errors="replace")))
        if "DW_AT_name" in die.attributes and "DW_AT_specification" not in die.attributes:
            return die.attributes["DW_AT_name"].value.decode(errors="replace")
        ref = die.attributes.get("DW_AT_abstract_origin") or die.attributes.get("DW_AT_specification")
        if ref is None:
            break
        die = die.get_DIE_from_attribute(ref.name)
    return None


def _inlined_sites(elf) -> dict:
    sites = {}
    dwarf = elf.get_dwarf_info()
    for cu in dwarf.iter_CUs():
        for die in cu.iter_DIEs():
            if die.tag != "DW_TAG_inlined_subroutine" or "DW_AT_abstract_origin" not in die.attributes:
                continue
            name = _die_name(die.get_DIE_from_attribute("DW_AT_abstract_origin"))
            caller = die.get_parent()
            while caller is not None and caller.tag != "DW_TAG_subprogram":
                caller = caller.get_parent()
            if name:
                sites.setdefault(name, []).append((_die_name(caller) if caller is not None else None) or "?")
    return sites
