from caseaudit.cli import main

main()
