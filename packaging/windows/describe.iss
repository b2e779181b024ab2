; Inno Setup script: the Windows installer of Describe (Inno Setup 6).
;
;   1. Build the bundle on Windows (it writes dist\describe\, with Describe.exe, the
;      windowed app, and describe-app.exe, the command line):
;        .venv\Scripts\python -m PyInstaller --noconfirm packaging\pyinstaller\describe.spec
;   2. iscc packaging\windows\describe.iss      ->  dist\Describe-VERSION-setup.exe
;
; The version is read from Describe.exe's version resource, which the spec writes from
; describe_app.__version__ (the one version source).

#define AppName "Describe"
#define AppExe "Describe.exe"
#define SourceDir "..\..\dist\describe"
#define AppVersion GetStringFileInfo(SourceDir + "\" + AppExe, "ProductVersion")

[Setup]
AppId={{27B1AB5D-0DD5-4B1C-9CC1-5C9CA48D02F8}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The Describe contributors
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
Compression=lzma2
SolidCompression=yes
SetupIconFile=..\..\resources\icons\describe.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=Describe-{#AppVersion}-setup

[Tasks]
Name: "desktopicon"; Description: "Put Describe on the desktop, and open it with Ctrl+Alt+D"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Hear what is in front of you"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; HotKey: ctrl+alt+d; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
