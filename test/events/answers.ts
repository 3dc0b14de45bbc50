/** Valid answers for each form, as a resident would send them. */
export const validAnswers = {
  parkeringstillstand: {
    applicant: {
      personnummer: '199001011239',
      address: { street: 'Östra Storgatan 12', postalCode: '553 21', city: 'Jönköping' },
      contact: { name: 'Anna Andersson', email: 'anna.andersson@example.se', phone: '+46 36 10 50 00' },
    },
    permitFor: 'driver',
    disability: 'Jag har en nervskada i benen och kan bara gå korta sträckor med rollator.',
    mobilityAids: ['rollator'],
    walkingDistanceMeters: 50,
    requestedMonths: 36,
  },
  synpunkt: {
    kind: 'suggestion',
    subject: 'Fler bänkar vid Munksjön',
    message: 'Det skulle vara fint med fler parkbänkar längs promenadstråket runt Munksjön.',
    wantsAnswer: true,
    contact: { name: 'Erik Eriksson', email: 'erik@example.se' },
  },
  varmepump: {
    property: { designation: 'Jönköping Hallen 1:23', address: 'Hallengatan 4, Jönköping' },
    owner: { identityNumber: '5560000001', contact: { name: 'Bostads AB Hallen', email: 'forvaltning@example.se' } },
    heatSource: 'bedrock',
    boreholes: 1,
    boreholeDepthMeters: 180,
    heatOutputKw: 12,
    refrigerant: 'R410A',
    distanceToNearestWellMeters: 40,
    installer: { company: 'Borrfirman i Småland AB', certified: true },
    plannedStart: '2027-03-01',
  },
} as const;
