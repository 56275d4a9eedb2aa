# shellcheck shell=bash disable=SC2034  # the package lists are used by the scripts that source it
# Helpers shared by the scripts in scripts/ (and bench/run). Source it; do not run it.
#
# Environment knobs:
#   BUILD_DIR   build directory (default: <repo>/build)
#   BUILD_TYPE  CMAKE_BUILD_TYPE for a new build directory (default: Debug, so
#               that Q_ASSERTs are live); when set, also applied to an existing one
#   JOBS        parallel build / test jobs (default: the number of cores)
#   CMAKE_ARGS  extra arguments for the CMake configure step (word-split)
#   QASYNCSQLITE_SKIP_PACKAGES=1
#               do not check or install Debian packages (you installed the
#               tools yourself, e.g. on Fedora, Arch or macOS)

if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] < 404)); then
    # Empty arrays under `set -u` need 4.4; macOS ships 3.2 (Homebrew: bash).
    printf 'error: these scripts need bash 4.4 or later (this is %s)\n' "${BASH_VERSION}" >&2
    exit 1
fi

QASYNCSQLITE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-${QASYNCSQLITE_ROOT}/build}"
JOBS="${JOBS:-$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}"

# Every Debian package the project needs, in one place, by what needs it.
# The build and scripts/demo (the library, the quickstart example):
QASYNCSQLITE_PACKAGES_BUILD=(
    cmake
    ninja-build
    g++
    qt6-base-dev                  # Qt Core, Concurrent, Test, Sql, Widgets
    libsqlite3-dev
)
# On top of it, scripts/test (the default configuration: QML module, tests,
# examples, coroutines; plus the API reference):
QASYNCSQLITE_PACKAGES_TEST=(
    qt6-declarative-dev           # the QML module, QtQuickTest, examples/qml-notes
    qt6-declarative-dev-tools     # qmltestrunner (tests/install)
    qml6-module-qtquick           # QML imports the QML tests and examples load at run time
    qml6-module-qttest
    qml6-module-qtqml-workerscript
    qml6-module-qtquick-window    # QtTest's TestCase and the examples' windows
    qml6-module-qtquick-controls  # examples/qml-notes
    qml6-module-qtquick-layouts
    qml6-module-qtquick-templates
    qml6-module-qtqml-models
    qml6-module-qtqml             # QtQml's qmldir and qmltypes, for qmllint (tests/auto/qml)
    qcoro-qt6-dev                 # QAsyncSqlite::Coro and its tests (optional in a user's build)
    libqt6sql6-sqlite             # tests/auto/values and bench/ compare with QtSql's driver
    python3                       # tests compare with Python's sqlite3
    pkg-config                    # tests/install builds a consumer from qasyncsqlite.pc
    doxygen                       # the API reference (target docs); graphviz is optional
    doxyqml
    qt6-documentation-tools       # qhelpgenerator: the API reference as a Qt help file (.qch)
)
# scripts/test-clang and scripts/test-sanitizers. Both name the release's
# default LLVM (clang-14 on Debian 12, clang-19 on 13), so they fit every
# release; a versioned name such as libclang-rt-14-dev exists on one only.
QASYNCSQLITE_PACKAGES_CLANG=(
    clang
    libclang-rt-dev               # libFuzzer (tests/fuzz); GCC's ASan/UBSan/TSan come with g++
)

# Elapsed time in every step line: the logs show where a run spends its time.
log() { printf '\033[1m==> [%02d:%02d] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Qt warns (and Python misbehaves) under a non-UTF-8 locale, which is what a
# bare CI container has. C.UTF-8 is always available on Debian.
ensure_utf8_locale() {
    if [[ "$(locale charmap 2>/dev/null || true)" != "UTF-8" ]]; then
        export LC_ALL=C.UTF-8
    fi
}

# ensure_packages <package...>: installs the Debian packages that are missing.
# Idempotent: nothing touches apt when everything is installed already.
# Without dpkg/apt-get (another distribution, macOS) it names the packages and
# goes on when the commands they provide are there; CMake then reports any
# library that is missing.
ensure_packages() {
    if [[ "${QASYNCSQLITE_SKIP_PACKAGES:-0}" == 1 ]]; then
        return 0
    fi
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        check_tools_without_apt "$@"
        return 0
    fi
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null | grep -q '^install ok installed$'; then
            missing+=("${pkg}")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi

    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null 2>&1 \
            || die "missing Debian packages (${missing[*]}); run as root, install sudo, or install them" \
                   "yourself and set QASYNCSQLITE_SKIP_PACKAGES=1"
        sudo=(sudo)
    fi
    log "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" apt-get install -y -q "${missing[@]}" </dev/null
}

# The command a package provides, where there is one to look for.
package_command() {
    case "$1" in
    ninja-build) echo ninja ;;
    clang) echo clang++ ;;
    cmake | g++ | python3 | doxygen | doxyqml | debootstrap) echo "$1" ;;
    esac
}

check_tools_without_apt() {
    local missing=() pkg command
    for pkg in "$@"; do
        command="$(package_command "${pkg}")"
        if [[ -n "${command}" ]] && ! command -v "${command}" >/dev/null 2>&1; then
            missing+=("${command}")
        fi
    done
    printf 'note: no dpkg/apt-get here, so nothing is installed. This needs the equivalents of\n' >&2
    printf '      these Debian packages: %s\n' "$*" >&2
    if ((${#missing[@]} > 0)); then
        die "commands not found: ${missing[*]}. Install them (or set QASYNCSQLITE_SKIP_PACKAGES=1 to go on regardless)."
    fi
}

# configure [cmake args...]: configures BUILD_DIR with Ninja (a new directory)
# or re-configures it (an existing one keeps its generator and cache).
configure() {
    local args=()
    if [[ ! -f "${BUILD_DIR}/CMakeCache.txt" ]]; then
        args+=(-G Ninja "-DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Debug}")
    elif [[ -n "${BUILD_TYPE:-}" ]]; then
        args+=("-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
    fi
    local extra=()
    if [[ -n "${CMAKE_ARGS:-}" ]]; then
        read -r -a extra <<<"${CMAKE_ARGS}"
    fi
    log "Configuring ${BUILD_DIR}"
    cmake -S "${QASYNCSQLITE_ROOT}" -B "${BUILD_DIR}" "${args[@]}" "$@" "${extra[@]}"
}

# build [targets...]: builds the given targets (default: all).
build() {
    local targets=()
    if (($# > 0)); then
        targets=(--target "$@")
    fi
    log "Building ${*:-everything} (${JOBS} jobs)"
    cmake --build "${BUILD_DIR}" --parallel "${JOBS}" "${targets[@]}"
}
