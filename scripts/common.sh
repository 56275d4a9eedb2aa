# shellcheck shell=bash
# Helpers shared by scripts/demo and scripts/test. Source it; do not run it.
#
# Environment knobs:
#   BUILD_DIR   build directory (default: <repo>/build)
#   BUILD_TYPE  CMAKE_BUILD_TYPE for a new build directory (default: Debug, so
#               that Q_ASSERTs are live); when set, also applied to an existing one
#   JOBS        parallel build / test jobs (default: 2)
#   CMAKE_ARGS  extra arguments for the CMake configure step (word-split)

QASYNCSQLITE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-${QASYNCSQLITE_ROOT}/build}"
JOBS="${JOBS:-2}"

# Every Debian package the project needs, in one place. Later parts (QML
# module, coroutines, QtQuickTest under Xvfb) use the ones after python3.
QASYNCSQLITE_PACKAGES=(
    cmake
    ninja-build
    g++
    pkg-config
    qt6-base-dev
    libsqlite3-dev
    python3                       # tests compare iterDump() with Python's sqlite3
    qt6-declarative-dev
    qt6-declarative-dev-tools
    qml6-module-qtquick
    qml6-module-qttest
    qml6-module-qtqml-workerscript
    qml6-module-qtquick-window    # QtTest's TestCase and the examples' windows
    qml6-module-qtquick-controls  # examples/qml-notes
    qml6-module-qtquick-layouts
    qml6-module-qtquick-templates
    qml6-module-qtqml-models
    qml6-module-qtqml             # QtQml's qmldir and qmltypes, for qmllint (tests/auto/qml)
    qcoro-qt6-dev
    xvfb
    libqt6sql6-sqlite
    doxygen                       # the API reference (target docs); graphviz is optional
    doxyqml
    qt6-documentation-tools       # qhelpgenerator: the API reference as a Qt help file (.qch)
    clang                         # scripts/test-sanitizers: the libFuzzer target (tests/fuzz)
    libclang-rt-14-dev            #   and its runtime (GCC's ASan/UBSan/TSan come with g++)
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Qt warns (and Python misbehaves) under a non-UTF-8 locale, which is what a
# bare CI container has. C.UTF-8 is always available on Debian.
ensure_utf8_locale() {
    if [[ "$(locale charmap 2>/dev/null || true)" != "UTF-8" ]]; then
        export LC_ALL=C.UTF-8
    fi
}

# Installs the packages of QASYNCSQLITE_PACKAGES that are missing. Idempotent:
# nothing touches apt when everything is installed already.
ensure_packages() {
    local missing=() pkg
    for pkg in "${QASYNCSQLITE_PACKAGES[@]}"; do
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
            || die "missing Debian packages (${missing[*]}); run as root or install sudo"
        sudo=(sudo)
    fi
    log "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" apt-get install -y -q "${missing[@]}" </dev/null
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
